"""YAML that cannot exhaust memory: aliases and nesting within a budget, checked before any
Python object is built.

An alias (``*name``) repeats the node its anchor (``&name``) names, so that a few lines can stand
for billions of nodes ("billion laughs"). :func:`compose` composes the document (PyYAML's safe
composer, which builds each anchored node once) and counts the nodes it stands for with every
alias expanded, each shared node counted once per use but measured once. A document standing for
more than ``max(MIN_BUDGET, len(text))`` nodes, an alias that refers to the node that holds it,
or nesting deeper than ``MAX_DEPTH`` is refused with a :class:`yaml.YAMLError` naming its line.
"""

from __future__ import annotations

import yaml

MIN_BUDGET = 100_000  # nodes after alias expansion, or the text's length if larger
MAX_DEPTH = 200


class YamlBudgetError(yaml.YAMLError):
    """A YAML document refused before it is built; ``problem`` and ``problem_mark`` as PyYAML's."""

    def __init__(self, problem: str, mark=None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.problem_mark = mark

    def __str__(self) -> str:
        return self.problem


def compose(text: str, loader: type | None = None) -> yaml.Node | None:
    """The node graph of a single YAML document (None when empty), checked (see module)."""
    loader = loader or getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        node = yaml.compose(text, Loader=loader)
    except RecursionError:
        raise YamlBudgetError(f"nested more than the parser can follow (at most {MAX_DEPTH} levels are allowed)") from None
    if node is not None:
        check(node, max(MIN_BUDGET, len(text)))
    return node


def load(text: str) -> object:
    """Python data of a YAML document (safe types only), after :func:`compose`'s checks."""
    node = compose(text)
    if node is None:
        return None
    return construct(node)


def construct(node: yaml.Node) -> object:
    """Python data of a composed node (shared nodes become shared objects: not expanded)."""
    constructor = yaml.constructor.SafeConstructor()
    return constructor.construct_document(node)


def check(root: yaml.Node, budget: int) -> int:
    """The number of nodes ``root`` stands for with aliases expanded; raises YamlBudgetError over
    ``budget``, for a node that contains itself, or for nesting deeper than MAX_DEPTH."""
    size: dict[int, int] = {}
    uses = 0  # the nodes reached again through an alias
    # iterative post-order walk: (node, depth, children pushed?)
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    open_nodes: set[int] = set()
    while stack:
        node, depth, expanded = stack.pop()
        key = id(node)
        if expanded:
            open_nodes.discard(key)
            total = 1 + sum(size[id(c)] for c in _children(node))
            size[key] = total
            if total > budget:
                raise _refuse(node, f"stands for more than {budget:,} values once its aliases are expanded "
                                    "(an alias bomb?); write the values out instead of repeating anchors")
            continue
        if key in size:
            uses += size[key]
            if uses > budget:
                raise _refuse(node, f"its aliases stand for more than {budget:,} values (an alias bomb?); "
                                    "write the values out instead of repeating anchors")
            continue
        if key in open_nodes:
            raise _refuse(node, "an alias refers to a node that contains it (a recursive structure)")
        if depth > MAX_DEPTH:
            raise _refuse(node, f"nested more than {MAX_DEPTH} levels deep")
        children = _children(node)
        if not children:
            size[key] = 1
            continue
        open_nodes.add(key)
        stack.append((node, depth, True))
        stack.extend((c, depth + 1, False) for c in reversed(children))
    return size[id(root)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _refuse(node: yaml.Node, problem: str) -> YamlBudgetError:
    return YamlBudgetError(f"refused: {problem}", node.start_mark)
