"""mi-coach: practise Motivational Interviewing on scripted clients and get honest feedback."""

__version__ = "0.1.0"
