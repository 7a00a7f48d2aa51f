"""The public portal: a MkDocs plugin that builds pages, open data and feeds from the records."""
