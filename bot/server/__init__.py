"""The web server: the Flask app, the callbacks, the dispatcher, exactly-once claims, /healthz, gunicorn."""
