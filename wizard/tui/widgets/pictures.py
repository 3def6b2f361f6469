"""The two pictures side by side with the words: where on the RPC path the call broke, and the name
chain. The step and result screens both show them."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static

from wizard.engine.walk import Walk
from wizard.tui.widgets.name_chain import NameChain
from wizard.tui.widgets.rpc_workflow import RpcWorkflow


class Pictures(VerticalScroll):
    def compose(self) -> ComposeResult:
        yield Static("The RPC call, step by step", classes="panel-title")
        yield RpcWorkflow(id="workflow")
        yield Static("The name chain", classes="panel-title picture-title")
        yield NameChain(id="chain")

    def show(self, walk: Walk) -> None:
        self.query_one(RpcWorkflow).show(walk)
        self.query_one(NameChain).show(walk)
