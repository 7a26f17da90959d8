"""The ``matchmaker`` command line. Each topic lives in its own module and registers here."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="matchmaker",
    help="Matchmaking engine for metal additive-manufacturing actors across European regions.",
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


def _register() -> None:
    from matchmaker.cli import neo4j_cmd, serve_cmd

    from matchmaker.cli import event_cmd

    app.add_typer(event_cmd.app, name="event")
    app.command("schedule")(event_cmd.schedule_cmd)

    app.add_typer(neo4j_cmd.app, name="neo4j")
    app.command("serve")(serve_cmd.serve)

    from matchmaker.cli import apikey_cmd

    app.command("apikey")(apikey_cmd.new_key)

    from matchmaker.cli import match_cmd

    app.command("match")(match_cmd.match)

    from matchmaker.cli import search_cmd

    search_cmd.register(app)

    from matchmaker.cli import generate_cmd

    app.command("generate")(generate_cmd.generate)

    from matchmaker.cli import import_cmd

    import_cmd.register(app)


_register()
