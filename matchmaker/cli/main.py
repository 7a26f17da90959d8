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
    from matchmaker.cli import (
        apikey_cmd,
        event_cmd,
        generate_cmd,
        import_cmd,
        match_cmd,
        neo4j_cmd,
        search_cmd,
        serve_cmd,
    )

    app.command("match")(match_cmd.match)
    search_cmd.register(app)
    import_cmd.register(app)
    app.add_typer(event_cmd.app, name="event")
    app.command("schedule")(event_cmd.schedule_cmd)
    app.command("generate")(generate_cmd.generate)
    app.command("serve")(serve_cmd.serve)
    app.command("apikey")(apikey_cmd.new_key)
    app.add_typer(neo4j_cmd.app, name="neo4j")


_register()
