"""`relaydesk group ...`: user groups, their price multiplier and the models they may use."""

import argparse

from app import groups, views
from app.cli.output import Output, comma_list

COLUMNS = [("name", "NAME"), ("multiplier", "MULTIPLIER"), ("models", "MODELS"),
           ("user_count", "USERS"), ("description", "DESCRIPTION")]


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    group = sub.add_parser("group", help="manage user groups (price multiplier, models)")
    cmds = group.add_subparsers(dest="group_cmd", required=True, metavar="COMMAND")

    p = cmds.add_parser("add", help="create a group")
    p.add_argument("name")
    p.add_argument("--multiplier", default="1",
                   help="price multiplier as decimal text, e.g. 0.8 or 1.25 (default 1)")
    p.add_argument("--models", help="comma-separated models its users may use (default: all)")
    p.add_argument("--description")
    p.set_defaults(handler=add)

    p = cmds.add_parser("update", help="change a group")
    p.add_argument("name")
    p.add_argument("--rename", metavar="NEW_NAME", help="a new name (not for \"default\")")
    p.add_argument("--multiplier", help="price multiplier as decimal text, e.g. 0.8")
    p.add_argument("--models", help='comma-separated models its users may use ("" = all)')
    p.add_argument("--description", help='a new description ("" clears it)')
    p.set_defaults(handler=update)

    p = cmds.add_parser("list", help="list groups with their user counts")
    p.set_defaults(handler=list_)

    p = cmds.add_parser("remove", help="remove a group that has no users")
    p.add_argument("name")
    p.set_defaults(handler=remove)


def _counted(name: str) -> dict[str, object]:
    return next(views.group(g) for g in groups.list_groups() if g.name == name)


def add(args: argparse.Namespace, out: Output) -> None:
    group = groups.add_group(args.name, multiplier=args.multiplier,
                             models=comma_list(args.models), description=args.description)
    out.item(_counted(group.name), text=f"created group {group.name} "
             f"(multiplier {groups.format_multiplier(group.multiplier_ppm)})")


def update(args: argparse.Namespace, out: Output) -> None:
    models = comma_list(args.models)
    group = groups.update_group(args.name, new_name=args.rename, multiplier=args.multiplier,
                                models=models, description=args.description)
    out.item(_counted(group.name), text=f"updated group {group.name}")


def list_(args: argparse.Namespace, out: Output) -> None:
    out.table([views.group(g) for g in groups.list_groups()], COLUMNS, empty="(no groups)")


def remove(args: argparse.Namespace, out: Output) -> None:
    groups.remove_group(args.name)
    out.item({"removed": args.name.strip()}, text=f"removed group {args.name.strip()}")
