"""``myokine explore``: an interactive teaching explorer in the browser (needs ``myokine_sim[explore]``).

``controls`` turns the page's control values into a scenario (validated like a
scenario file), ``worker`` simulates in a separate process under a time limit,
``app`` holds the JSON API and serves ``static/``, ``server`` runs it on
127.0.0.1. Only ``app`` and ``server`` import Starlette and uvicorn.
"""
