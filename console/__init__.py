"""Recovery Console: recovery-oriented care for general practice."""

__version__ = "0.1.0"
