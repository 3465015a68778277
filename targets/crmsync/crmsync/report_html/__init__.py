"""The migration report: one self-contained HTML file (inline CSS and SVG, no script) plus JSON."""
