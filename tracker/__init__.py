"""tracker: keeps machine-learning papers honest about their code."""

__version__ = "0.1.0"
