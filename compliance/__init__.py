"""UPR compliance: the domain package (models, loading, scoring, metrics, charts, export). Never imports streamlit."""
