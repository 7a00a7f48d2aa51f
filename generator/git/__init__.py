"""All git access: records at any revision, the main-line log in one pass, commit trailers.

This package is the only place that runs git or imports GitPython.
"""
