.PHONY: portal test bench schemas
portal: ; bash .ci/build
test: ; bash .ci/test
bench: ; bash .ci/bench
schemas: ; .venv/bin/jiebang schemas
