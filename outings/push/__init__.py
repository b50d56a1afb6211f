"""Web Push (issue 14): notifications that reach a parent's lock screen.

``keys`` holds the server's VAPID key; ``subscription_store`` and
``delivery_store`` the two tables; ``messages`` writes what a notification
says and decides when it may be sent (quiet hours); ``enqueue`` turns in-app
notifications and coming outings into deliveries; ``sender`` drains the queue
with pywebpush; ``worker`` runs both for as long as the app runs.
"""
