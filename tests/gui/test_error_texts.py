"""The GUI's catalogue of service error texts (gui/error_texts.py) lists every message template
and field name the service layer can raise, so none silently stays English in Chinese.

app/ cannot import Qt, so lupdate never sees its messages: this test reads app/ (ast) for each
construction of a ServiceError subclass and checks its template is in the catalogue, with a
value for each placeholder. app/cli/ is left out: only the CLI shows those, in English.
"""

import ast
import inspect
import string
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from app import apikeys, settings
from app.errors import ServiceError

ROOT = Path(__file__).resolve().parents[2]
APP = ROOT / "app"
# gui/error_texts.py and the modules it is split into (gui/error_texts_*.py).
CATALOGUES = tuple(sorted((ROOT / "gui").glob("error_texts*.py")))
CONTEXT = "ServiceError"
# Re-raising a caught error's own template (it was checked where it was first raised).
PASS_THROUGH = {"exc.template"}


@dataclass(frozen=True)
class Site:
    where: str
    templates: tuple[str, ...]  # several when the template is chosen by a conditional
    keywords: frozenset[str] | None  # None: **values, not checkable here
    problem: str | None = None


def _modules(root: Path = APP) -> dict[str, ast.Module]:
    return {str(p.relative_to(ROOT)): ast.parse(p.read_text(encoding="utf-8"))
            for p in sorted(root.rglob("*.py"))
            if "cli" not in p.relative_to(root).parts and p != APP / "errors.py"}


def _constants(modules: dict[str, ast.Module]) -> dict[tuple[str, str], ast.expr]:
    """Module-level ``NAME = <expr>``, keyed by (module stem, NAME)."""
    found = {}
    for path, tree in modules.items():
        for node in tree.body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 \
                    and isinstance(node.targets[0], ast.Name):
                found[(Path(path).stem, node.targets[0].id)] = node.value
    return found


def _texts(node: ast.expr, module: str, constants: dict[tuple[str, str], ast.expr]
           ) -> tuple[str, ...] | str:
    """The literal text(s) ``node`` evaluates to, or a str saying why it is not literal."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return (node.value,)
    if isinstance(node, ast.JoinedStr):
        return "an f-string: write a template with {placeholders} and pass the values"
    if isinstance(node, ast.IfExp):
        body, orelse = _texts(node.body, module, constants), _texts(node.orelse, module,
                                                                     constants)
        if isinstance(body, str):
            return body
        return orelse if isinstance(orelse, str) else body + orelse
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        left, right = _texts(node.left, module, constants), _texts(node.right, module,
                                                                    constants)
        if isinstance(left, str):
            return left
        if isinstance(right, str):
            return right
        return tuple(a + b for a in left for b in right)
    key = None
    if isinstance(node, ast.Name):
        key = (module, node.id)
    elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        key = (node.value.id, node.attr)
    if key is not None and key in constants:
        return _texts(constants[key], key[0], constants)
    return f"not a literal template: {ast.unparse(node)}"


def _error_classes() -> tuple[set[str], set[str]]:
    """Names of ServiceError and its subclasses, and of those constructed with a template
    (the others, such as LockedOut(until), pass one to ``super().__init__``)."""
    todo, names, with_template = [ServiceError], set(), set()
    while todo:
        cls = todo.pop()
        names.add(cls.__name__)
        if list(inspect.signature(cls).parameters)[:1] == ["template"]:
            with_template.add(cls.__name__)
        todo.extend(cls.__subclasses__())
    return names, with_template


def sites() -> Iterator[Site]:
    """Every construction of a ServiceError subclass in app/ (and ``super().__init__`` in one)."""
    import app.adminauth
    import app.backup
    import app.db  # noqa: F401 - these define subclasses of their own
    classes, with_template = _error_classes()
    modules = _modules()
    constants = _constants(modules)
    for path, tree in modules.items():
        stem = Path(path).stem
        owners = {id(n): c.name for c in ast.walk(tree) if isinstance(c, ast.ClassDef)
                  for n in ast.walk(c)}
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else (
                func.attr if isinstance(func, ast.Attribute) else None)
            is_super_init = (name == "__init__" and isinstance(func, ast.Attribute)
                             and isinstance(func.value, ast.Call)
                             and isinstance(func.value.func, ast.Name)
                             and func.value.func.id == "super"
                             and owners.get(id(node)) in classes)
            if name not in with_template and not is_super_init:
                continue
            where = f"{path}:{node.lineno}"
            if not node.args:
                yield Site(where, (), None, "no message template")
                continue
            first = node.args[0]
            if ast.unparse(first) in PASS_THROUGH:
                continue
            texts = _texts(first, stem, constants)
            starred = any(k.arg is None for k in node.keywords)
            keywords = None if starred else frozenset(k.arg for k in node.keywords if k.arg)
            if isinstance(texts, str):
                yield Site(where, (), keywords, texts)
            else:
                yield Site(where, texts, keywords)


def catalogue() -> set[str]:
    """Texts in gui/error_texts.py wrapped as QT_TRANSLATE_NOOP("ServiceError", "...") — the
    form lupdate extracts."""
    found = set()
    for catalogue_file in CATALOGUES:
        for node in ast.walk(ast.parse(catalogue_file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) \
                    and node.func.id == "QT_TRANSLATE_NOOP":
                context, text = (a.value for a in node.args if isinstance(a, ast.Constant))
                assert context == CONTEXT, ast.unparse(node)
                found.add(text)
    return found


def placeholders(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name}


def field_names() -> set[str]:
    """The field labels the services name: literal ``field=`` arguments (in app/, and from
    gui/ to parse_amount) and defaults, the settings' labels and the key limits'."""
    names = {spec.label for spec in settings.SPECS.values()}
    names |= set(apikeys.LIMIT_LABELS.values())
    for path, tree in (_modules() | _modules(ROOT / "gui")).items():
        for node in ast.walk(tree):
            values: list[ast.expr] = []
            if isinstance(node, ast.keyword) and node.arg == "field":
                values.append(node.value)
            elif isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Name) and t.id == "field" for t in node.targets):
                values.append(node.value)
            elif isinstance(node, ast.arguments):
                args = node.posonlyargs + node.args
                pairs = list(zip(args[len(args) - len(node.defaults):], node.defaults,
                                 strict=True))
                pairs += [(a, d) for a, d in zip(node.kwonlyargs, node.kw_defaults, strict=True)
                          if d is not None]
                values += [d for a, d in pairs if a.arg == "field"]
            for value in values:
                texts = _texts(value, Path(path).stem, {})
                if not isinstance(texts, str):
                    names.update(texts)
    return names


def test_every_service_message_is_a_literal_template_in_the_catalogue() -> None:
    known = catalogue()
    found = list(sites())
    assert len(found) > 100  # the scan sees the service layer's messages at all
    problems = [f"{s.where}: {s.problem}" for s in found if s.problem]
    missing = sorted({f"{s.where}: {t!r}" for s in found for t in s.templates if t not in known})
    assert not problems, "\n".join(problems)
    assert not missing, ("not in gui/error_texts.py (add each as QT_TRANSLATE_NOOP("
                         "\"ServiceError\", ...)):\n" + "\n".join(missing))


def test_every_placeholder_gets_a_value() -> None:
    """A template with a placeholder nobody fills would raise KeyError instead of the error."""
    unfilled = [f"{s.where}: {t!r} lacks {sorted(placeholders(t) - s.keywords)}"
                for s in sites() if s.keywords is not None for t in s.templates
                if placeholders(t) - s.keywords]
    assert not unfilled, "\n".join(unfilled)


def test_every_field_name_is_in_the_catalogue() -> None:
    missing = sorted(field_names() - catalogue())
    assert not missing, f"field names not in gui/error_texts.py: {missing}"


def test_the_catalogue_holds_nothing_the_services_no_longer_say() -> None:
    used = {t for s in sites() for t in s.templates} | field_names()
    stale = sorted(catalogue() - used)
    assert not stale, f"remove from gui/error_texts.py: {stale}"
