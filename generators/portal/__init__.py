"""The standards portal: renderers (model → HTML/Markdown), generated pages, Chinese
search terms, and the one mkdocs-specific module (``mkdocs_plugin``)."""
