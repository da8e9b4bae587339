"""What each platform accepts (limits as data) and how each one counts text."""
