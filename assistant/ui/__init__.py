"""The staff chat: a Gradio front end over `assistant.pipeline.Assistant`.

`render` (HTML from the Jinja2 templates in ``templates/``), `conversation` and
`export` are plain Python (no Gradio) and tested on their own; `app` (the
handlers, `ChatUI`) and `layout` (the Blocks and their events) import Gradio, so
importing this package stays cheap.
"""
