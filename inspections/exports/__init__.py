"""Exports: each report's exporter yields rows; xlsx.render_workbook writes them."""
