"""Reports of evals: Markdown, a self-contained HTML page with SVG charts."""
