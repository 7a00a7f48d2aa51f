"""Git: reading records at any revision, and the record of decisions.

This package is the only place that imports GitPython.
"""
