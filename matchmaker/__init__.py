"""matchmaker: matchmaking for metal additive-manufacturing actors across European regions."""

__version__ = "0.1.0"
