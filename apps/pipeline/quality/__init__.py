"""What the evaluator measures, one module a measure (docs/quality.md)."""
