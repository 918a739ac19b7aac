"""The law library (法规库): parsing, numbering, the database mirror."""
