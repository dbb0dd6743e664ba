"""Form fields -> the config's JSON form, and back, for the structured editors.

Only shape is checked here (a number where a number goes, a line with three
parts); everything else (phone numbers, references, the percentage total) is the
config validator's job, so the page and the API refuse the same things with the
same words. A shape problem raises `BadQuery(field, reason)`, the reason one of the
page's own (web_ui/messages_reasons.py `FORM_REASONS`, in both languages).

Text forms, one entry a line, so they are easy to type on a phone:
- extensions: `801, 前台, fxs0`
- bound numbers: `zhang, 张伟, 13912345678`
- ring group members: `801` or, for the percentage strategy, `801 40`
- a day's hours: `09:00-12:00, 13:30-18:00`
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from firmware.service import BadQuery, is_digits
from web_ui.messages_reasons import form_reason

STRATEGIES = ("sequential", "random", "rotating", "ring_all", "percentage", "longest_idle",
              "fewest_answered")


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.replace("\r", "").split("\n") if line.strip()]


def _parts(field: str, line: str, n: int, i: int) -> list[str]:
    parts = [p.strip() for p in line.replace("，", ",").split(",")]
    if len(parts) != n:
        raise BadQuery(f"{field}[{i}]", form_reason("parts", line=line, n=n))
    return parts


def extensions(text: str) -> list[dict[str, str]]:
    rows = [_parts("extensions", line, 3, i) for i, line in enumerate(_lines(text))]
    return [{"number": n, "name": name, "port": port} for n, name, port in rows]


def extensions_text(items: list[dict[str, Any]]) -> str:
    return "\n".join(f"{e['number']}, {e['name']}, {e['port']}" for e in items)


def bound_numbers(text: str) -> list[dict[str, str]]:
    rows = [_parts("bound_numbers", line, 3, i) for i, line in enumerate(_lines(text))]
    return [{"id": ident, "name": name, "number": number} for ident, name, number in rows]


def bound_text(items: list[dict[str, Any]]) -> str:
    return "\n".join(f"{b['id']}, {b['name']}, {b['number']}" for b in items)


def _whole(form: Mapping[str, str], name: str, default: int) -> int:
    text = (form.get(name) or "").strip()
    if not text:
        return default
    if not is_digits(text):
        raise BadQuery(name, form_reason("not_seconds", value=text))
    return int(text)


def ring_group(form: Mapping[str, str]) -> dict[str, Any]:
    """A ring group from the editor's fields (name, strategy, times, members)."""
    strategy = (form.get("strategy") or "sequential").strip()
    if strategy not in STRATEGIES:
        raise BadQuery("strategy", form_reason("not_choice", value=repr(strategy),
                                               choices=list(STRATEGIES)))
    return {"name": (form.get("name") or "").strip(), "strategy": strategy,
            "ring_time": _whole(form, "ring_time", 20),
            "total_ring_time": _whole(form, "total_ring_time", 60),
            "members": members(form.get("members") or "", strategy == "percentage")}


def members(text: str, with_shares: bool) -> list[Any]:
    """One member a line: an extension or bound-number id, or `group:NAME` (a nested
    group); then its share with the percentage split (`801 40`) and, optionally, its
    own ring time (`801 ring=15`)."""
    out: list[Any] = []
    for i, line in enumerate(_lines(text)):
        words = line.replace(",", " ").replace("%", " ").split()
        ring = [w for w in words[1:] if w.startswith("ring=")]
        rest = [w for w in words[1:] if not w.startswith("ring=")]
        if with_shares and not (len(rest) == 1 and is_digits(rest[0])):
            raise BadQuery(f"members[{i}]", form_reason("member_share", line=line))
        if not with_shares and rest:
            raise BadQuery(f"members[{i}]", form_reason("member_one", line=line))
        if len(ring) > 1 or (ring and not is_digits(ring[0][5:])):
            raise BadQuery(f"members[{i}]", form_reason("member_ring", line=line))
        member: dict[str, Any] = ({"group": words[0][6:]} if words[0].startswith("group:")
                                  else {"target": words[0]})
        if with_shares:
            member["share"] = int(rest[0])
        if ring:
            member["ring_time"] = int(ring[0][5:])
        out.append(member["target"] if list(member) == ["target"] else member)
    return out


def members_text(group: dict[str, Any]) -> str:
    """The editor's text for a group's members (what `members` reads back)."""
    lines = []
    for m in group.get("members", []):
        if not isinstance(m, dict):
            lines.append(str(m))
            continue
        words = [f"group:{m['group']}" if m.get("group") else str(m.get("target", ""))]
        if m.get("share") is not None:
            words.append(str(m["share"]))
        if m.get("ring_time") is not None:
            words.append(f"ring={m['ring_time']}")
        lines.append(" ".join(words))
    return "\n".join(lines)


# --- rules: VIP callers, designated agents, block lists ------------------------------


def items(text: str) -> list[str]:
    """A list typed one item a line or separated by commas (either comma)."""
    return [p.strip() for line in _lines(text) for p in line.replace("，", ",").split(",")
            if p.strip()]


def items_text(values: list[Any]) -> str:
    return "\n".join(str(v) for v in values)


def vip(form: Mapping[str, str]) -> dict[str, Any]:
    """The VIP section (numbers, prefixes, dedicated targets, ring time)."""
    return {"numbers": items(form.get("vip_numbers") or ""),
            "prefixes": items(form.get("vip_prefixes") or ""),
            "targets": items(form.get("vip_targets") or ""),
            "ring_time": _whole(form, "vip_ring_time", 20)}


def designated(text: str) -> list[dict[str, str]]:
    """One a line: `caller, agent`."""
    rows = [_parts("designated", line, 2, i) for i, line in enumerate(_lines(text))]
    return [{"caller": caller, "agent": agent} for caller, agent in rows]


def designated_text(entries: list[dict[str, Any]]) -> str:
    return "\n".join(f"{d['caller']}, {d['agent']}" for d in entries)


def days(form: Mapping[str, str], name: str) -> int:
    text = (form.get(name) or "").strip() or "0"
    if not is_digits(text):
        raise BadQuery(name, form_reason("not_days", value=text))
    return int(text)


TREATMENTS = ("busy", "announcement", "hangup")
REGION_FIELDS = ("numbers", "provinces", "cities", "area_codes", "carriers")


def blocking(form: Mapping[str, str], old: Mapping[str, Any]) -> dict[str, Any]:
    """The block lists; a region list's `withheld` (set only as text) is kept as it was."""
    treatment = (form.get("treatment") or "busy").strip()
    if treatment not in TREATMENTS:
        raise BadQuery("treatment", form_reason("not_choice", value=repr(treatment),
                                                choices=list(TREATMENTS)))
    out: dict[str, Any] = {"blacklist": items(form.get("blacklist") or ""),
                           "whitelist": items(form.get("whitelist") or ""),
                           "block_withheld": form.get("block_withheld") == "1",
                           "treatment": treatment}
    for kind in ("deny_regions", "allow_regions"):
        match = {f: items(form.get(f"{kind}.{f}") or "") for f in REGION_FIELDS}
        match = {f: v for f, v in match.items() if v}
        if old.get(kind, {}).get("withheld") is not None:
            match["withheld"] = old[kind]["withheld"]
        out[kind] = match
    return out
