"""roundabout: sanctioned goods taking the long way to Russia."""
