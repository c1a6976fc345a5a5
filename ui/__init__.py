"""Streamlit-side helpers shared by dashboard.py and pages/: routing, cached data, filters, chart display."""
