"""Synthetic corpus of annual reports (政府信息公开工作年度报告) with known truth.

``corpus.generate`` draws a report (agency, year, format, narrative, table
values and the exact cell texts) and renders it as seed-style text, DOCX, PDF
and HTML.  See ``corpus/README.md``.
"""
