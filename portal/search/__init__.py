"""Question → articles: hybrid retrieval over the law library."""
