"""Breaking news pushed by an editor: preview, confirm, the loud post, its pin and its photo."""
