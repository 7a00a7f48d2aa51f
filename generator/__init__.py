"""jiebang: run 揭榜挂帅 open technology challenge programmes as GitOps."""

__version__ = "0.1.0"
