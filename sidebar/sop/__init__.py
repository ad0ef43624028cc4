"""SOP: the set-based rules engine that makes tasks, the guide's tasks, morning reminders and
completion stats."""
