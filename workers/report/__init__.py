"""What people read: the ranking (CSV, JSON, HTML, XLSX), notices, the years page, the text report."""
