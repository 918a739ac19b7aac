"""The question bank (常见问题库): real questions with the articles a lawyer chose for them."""
