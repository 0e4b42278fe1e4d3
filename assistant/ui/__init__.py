"""The staff chat: a Gradio front end over `assistant.pipeline.Assistant`.

`render`, `conversation` and `export` are plain Python (no Gradio) and tested on
their own; `app` builds the Gradio Blocks and imports Gradio, so importing this
package stays cheap.
"""
