"""Text helpers shared by every layer (no streamlit)."""
