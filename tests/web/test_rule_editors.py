"""The Rules page's editors for inbound routes, plans and monthly caps (web_ui/rule_pages.py,
rule_forms.py): each save really changes the config as the form says, a refusal (422)
names the form's field and shows what the owner typed with nothing changed, CSRF is
needed, a plan's rename follows into the routes, routes and steps move, and the page
speaks Chinese and English.

The tests read the form off the page the way a browser would (`fields`), change what an
owner would change, and post it back."""

from __future__ import annotations

import copy
import re
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlencode

import pytest

from firmware.cdr.store import CdrStore, records_path
from firmware.service import BoxService
from tests.cdr.helpers import end, start
from tests.web.client import Client
from tests.web.conftest import EXAMPLE, NOW, example_office


@pytest.fixture
def box(data: Path) -> tuple[Client, BoxService]:
    return example_office(data)


class _Form(HTMLParser):
    """The fields one form of a page would send (text, hidden, checked boxes, the
    selected option of each select), as (name, value) pairs; buttons are left out."""

    def __init__(self, form_id: str):
        super().__init__()
        self.form_id, self.inside, self.found = form_id, False, False
        self.pairs: list[tuple[str, str]] = []
        self.select: str | None = None
        self.options: list[tuple[str, bool]] = []
        self.textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self.inside = a.get("id") == self.form_id
            self.found |= self.inside
        if not self.inside:
            return
        if tag == "input" and a.get("name"):
            if a.get("type") != "checkbox" or "checked" in a:
                self.pairs.append((a["name"], a.get("value", "")))
        elif tag == "select":
            self.select, self.options = a["name"], []
        elif tag == "option" and self.select is not None:
            self.options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea":
            self.textarea = a["name"]

    def handle_data(self, data: str) -> None:
        if self.inside and self.textarea:
            self.pairs.append((self.textarea, data))
            self.textarea = None

    def handle_endtag(self, tag: str) -> None:
        if tag == "textarea" and self.textarea:  # left empty: sent empty
            self.pairs.append((self.textarea, ""))
            self.textarea = None
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select is not None:
            chosen = [v for v, sel in self.options if sel] or [self.options[0][0]]
            self.pairs.append((self.select, chosen[0]))
            self.select = None


def fields(html: str, form_id: str) -> dict[str, str | list[str]]:
    """The form's fields: one value per name, or a list where the name repeats."""
    parser = _Form(form_id)
    parser.feed(html)
    assert parser.found, f"no form #{form_id}"
    out: dict[str, str | list[str]] = {}
    for name, value in parser.pairs:
        if name in out:
            before = out[name]
            out[name] = [*before, value] if isinstance(before, list) else [before, value]
        else:
            out[name] = value
    return out


def post(client: Client, path: str, form: dict, **extra: str):
    """Post `form` (a list value: a repeated field, like ticked boxes), plus `extra`."""
    pairs = [(k, v) for k, vs in form.items() for v in (vs if isinstance(vs, list) else [vs])]
    pairs += list(extra.items())
    return client.request("POST", path, body=urlencode(pairs).encode(),
                          headers={"Origin": "http://127.0.0.1:8080"},
                          content_type="application/x-www-form-urlencoded")


def selected(html: str, name: str) -> str:
    """The selected option's value of the select `name` on the page."""
    select = re.search(rf'<select name="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    assert select, name
    chosen = re.search(r'<option value="([^"]*)" selected>', select.group(1))
    return chosen.group(1) if chosen else ""


# --- routes --------------------------------------------------------------------------------


def test_a_new_route_is_saved_last_as_the_form_says(box) -> None:
    client, service = box
    form = fields(client.get("/rules").text, "route-form")
    assert form["name"] == "" and "lines" not in form  # a new route, no line ticked
    form.update({"name": "上海客户", "lines": "gsm0", "callers.provinces": "上海、浙江",
                 "callers.numbers": "135*, 021 6123 4567", "callers.withheld": "never",
                 "when": "office_hours", "unless": "night", "to": "ring_group:sales"})
    reply = post(client, "/rules/route", form)
    assert reply.status == 303 and reply.location.endswith("/rules#routes")
    routes = service.config()["routes"]
    assert [r["name"] for r in routes] == ["zhejiang customers", "hangzhou landlines at night",
                                           "上海客户"]
    assert routes[2] == {"name": "上海客户", "to": "ring_group:sales", "lines": ["gsm0"],
                         "callers": {"numbers": ["+86135*", "+862161234567"],
                                     "provinces": ["上海市", "浙江省"], "cities": [],
                                     "area_codes": [], "carriers": [], "withheld": False},
                         "when": "office_hours", "unless": "night"}
    assert "已保存" in client.get("/rules").text


def test_editing_and_renaming_a_route_keeps_its_place(box) -> None:
    client, service = box
    page = client.get("/rules?route=zhejiang%20customers").text
    form = fields(page, "route-form")
    assert form["original"] == form["name"] == "zhejiang customers"
    assert form["callers.provinces"] == "浙江省" and form["when"] == "workdays"
    assert form["to"] == "plan:zhejiang"
    form.update({"name": "浙江客户", "callers.carriers": "中国移动", "when": "", "to": "duty"})
    assert post(client, "/rules/route", form).status == 303
    first = service.config()["routes"][0]
    assert first["name"] == "浙江客户" and first["to"] == "duty" and first["when"] is None
    assert first["callers"]["carriers"] == ["中国移动"]
    assert first["callers"]["provinces"] == ["浙江省"]
    assert len(service.config()["routes"]) == 2


def test_a_refused_route_names_the_field_and_keeps_what_was_typed(box) -> None:
    client, service = box
    before = service.config()
    form = fields(client.get("/rules?route=zhejiang%20customers").text, "route-form")
    form.update({"callers.provinces": "浙江, 火星省", "callers.cities": "杭州"})
    reply = post(client, "/rules/route", form)
    assert reply.status == 422
    assert 'data-field="callers.provinces[1]"' in reply.text  # the form's own field
    kept = fields(reply.text, "route-form")
    assert kept["callers.provinces"] == "浙江, 火星省" and kept["callers.cities"] == "杭州"
    assert kept["original"] == "zhejiang customers"
    assert 'class="bad"' in reply.text  # the field is marked
    assert service.config() == before
    form["callers.withheld"] = "maybe"
    bad = post(client, "/rules/route", form)
    assert bad.status == 422 and 'data-field="callers.withheld"' in bad.text
    form.update({"callers.withheld": "only", "callers.provinces": "浙江"})
    clash = post(client, "/rules/route", form)  # withheld callers have no province
    assert clash.status == 422 and 'data-field="callers"' in clash.text
    assert service.config() == before


def test_routes_move_up_and_down(box) -> None:
    client, service = box
    client.get("/rules")
    names = lambda: [r["name"] for r in service.config()["routes"]]  # noqa: E731
    reply = client.post("/rules/route", {"original": "hangzhou landlines at night", "op": "up"})
    assert reply.status == 303
    assert names() == ["hangzhou landlines at night", "zhejiang customers"]
    page = client.get("/rules").text
    assert page.index("1. hangzhou landlines at night") < page.index("2. zhejiang customers")
    client.post("/rules/route", {"original": "hangzhou landlines at night", "op": "up"})
    assert names() == ["hangzhou landlines at night", "zhejiang customers"]  # first already
    client.post("/rules/route", {"original": "hangzhou landlines at night", "op": "down"})
    assert names() == ["zhejiang customers", "hangzhou landlines at night"]
    gone = client.post("/rules/route", {"original": "nobody's", "op": "up"})
    assert gone.status == 422 and 'data-field="original"' in gone.text
    odd = client.post("/rules/route", {"original": "zhejiang customers", "op": "jump"})
    assert odd.status == 422 and 'data-field="op"' in odd.text
    assert names() == ["zhejiang customers", "hangzhou landlines at night"]


def test_deleting_a_route(box) -> None:
    client, service = box
    form = fields(client.get("/rules?route=zhejiang%20customers").text, "route-form")
    assert post(client, "/rules/route", form, op="delete").status == 303
    assert [r["name"] for r in service.config()["routes"]] == ["hangzhou landlines at night"]


def test_a_route_keeps_a_line_the_checkboxes_do_not_offer(box) -> None:
    client, service = box
    config = copy.deepcopy(EXAMPLE)
    config["routes"][0]["lines"] = ["fxs1"]  # valid, though calls come in on GSM lines
    service.replace_config(config)
    form = fields(client.get("/rules?route=zhejiang%20customers").text, "route-form")
    assert form["lines"] == "fxs1"
    assert post(client, "/rules/route", form).status == 303
    assert service.config()["routes"][0]["lines"] == ["fxs1"]


# --- plans ---------------------------------------------------------------------------------


def test_a_new_plan_with_steps_and_exits(box) -> None:
    client, service = box
    before = service.config()
    page = client.get("/rules").text
    form = fields(page, "plan-form")
    assert form["original"] == "" and form["steps[0].id"] == ""
    form.update({"name": "night", "steps[0].id": "desk", "steps[0].do": "ring_group:sales"})
    added = post(client, "/rules/plan", form, op="add")  # a second row, nothing saved yet
    assert added.status == 200 and service.config() == before
    form = fields(added.text, "plan-form")
    assert form["name"] == "night" and form["steps[0].id"] == "desk"
    form = fields(post(client, "/rules/plan", form, op="add").text, "plan-form")
    form.update({"steps[1].id": "mobiles", "steps[1].do": "forward_chain",
                 "steps[2].id": "bye", "steps[2].do": "announcement",
                 "steps[0].on.busy": "1", "steps[0].on.no_answer": "2",
                 "steps[2].on.busy": "0"})  # an ending's exits are not used
    reply = post(client, "/rules/plan", form)
    assert reply.status == 303 and reply.location.endswith("/rules?plan=night#plans")
    plan = service.config()["plans"][1]
    assert plan["name"] == "night"
    assert [(s["id"], s["do"]) for s in plan["steps"]] == [
        ("desk", "ring_group:sales"), ("mobiles", "forward_chain"), ("bye", "announcement")]
    assert plan["steps"][0]["on"] == {"busy": "mobiles", "no_answer": "bye", "unavailable": None}
    assert plan["steps"][2]["on"] == {"busy": None, "no_answer": None, "unavailable": None}
    again = client.get("/rules?plan=night").text  # shown as saved
    assert selected(again, "steps[0].on.no_answer") == "2"


def test_renaming_a_plan_renames_the_routes_that_use_it(box) -> None:
    client, service = box
    form = fields(client.get("/rules?plan=zhejiang").text, "plan-form")
    assert form["steps[0].on.busy"] == "2" and form["steps[0].on.no_answer"] == "1"
    form["name"] = "east"
    reply = post(client, "/rules/plan", form)
    assert reply.status == 303, reply.text
    config = service.config()
    assert [p["name"] for p in config["plans"]] == ["east"]
    assert config["routes"][0]["to"] == "plan:east"
    assert config["plans"][0]["steps"] == service.config()["plans"][0]["steps"]
    assert config["plans"][0]["steps"][0]["on"]["busy"] == "chain"


def test_a_step_renamed_on_the_form_keeps_the_exits_that_lead_to_it(box) -> None:
    client, service = box
    form = fields(client.get("/rules?plan=zhejiang").text, "plan-form")
    form["steps[2].id"] = "forward"  # the exits name rows, so they follow
    assert post(client, "/rules/plan", form).status == 303
    steps = service.config()["plans"][0]["steps"]
    assert steps[2]["id"] == "forward" and steps[0]["on"]["busy"] == "forward"


def test_a_refused_plan_shows_the_validators_reason_and_keeps_the_input(box) -> None:
    client, service = box
    before = service.config()
    form = fields(client.get("/rules?plan=zhejiang").text, "plan-form")
    # duty and chain send every unanswered call back to each other: no way out
    form.update({"steps[1].on.busy": "2", "steps[1].on.no_answer": "2",
                 "steps[1].on.unavailable": "2", "steps[2].on.busy": "1",
                 "steps[2].on.no_answer": "1", "steps[2].on.unavailable": "1",
                 "steps[2].id": "chain2"})
    reply = post(client, "/rules/plan", form)
    assert reply.status == 422
    assert 'data-field="steps"' in reply.text and "构成没有出口的循环" in reply.text
    kept = fields(reply.text, "plan-form")
    assert kept["steps[2].id"] == "chain2" and kept["steps[1].on.busy"] == "2"
    assert kept["steps[2].on.no_answer"] == "1"
    assert service.config() == before
    form.update(fields(client.get("/rules?plan=zhejiang").text, "plan-form"))
    form["steps[1].id"] = "2nd"
    bad_id = post(client, "/rules/plan", form)
    assert bad_id.status == 422 and 'data-field="steps[1].id"' in bad_id.text
    assert 'value="2nd"' in bad_id.text
    form["steps[1].id"] = "duty"
    assert post(client, "/rules/plan", form, **{"steps[0].on.busy": "7"}).status == 422
    assert service.config() == before


def test_removing_and_moving_steps(box) -> None:
    client, service = box
    before = service.config()
    form = fields(client.get("/rules?plan=zhejiang").text, "plan-form")
    moved = post(client, "/rules/plan", form, op="down:0")  # sales below duty
    assert moved.status == 200
    form = fields(moved.text, "plan-form")
    assert [form[f"steps[{i}].id"] for i in range(3)] == ["duty", "sales", "chain"]
    assert form["steps[1].on.busy"] == "2" and form["steps[1].on.no_answer"] == "0"
    removed = post(client, "/rules/plan", form, op="remove:0")  # duty goes
    form = fields(removed.text, "plan-form")
    assert "steps[2].id" not in form
    assert [form["steps[0].id"], form["steps[1].id"]] == ["sales", "chain"]
    assert form["steps[0].on.busy"] == "1" and form["steps[0].on.no_answer"] == ""
    assert service.config() == before  # nothing saved yet
    assert post(client, "/rules/plan", form).status == 303
    steps = service.config()["plans"][0]["steps"]
    assert [s["id"] for s in steps] == ["sales", "chain"]
    assert steps[0]["on"] == {"busy": "chain", "no_answer": None, "unavailable": None}
    bad = post(client, "/rules/plan", form, op="remove:5")
    assert bad.status == 422 and 'data-field="op"' in bad.text


def test_a_plan_a_route_uses_cannot_be_deleted(box) -> None:
    client, service = box
    before = service.config()
    form = fields(client.get("/rules?plan=zhejiang").text, "plan-form")
    reply = post(client, "/rules/plan", form, op="delete")
    assert reply.status == 422
    assert "zhejiang customers" in reply.text and "请先为这些路由改选其他去向" in reply.text
    assert service.config() == before
    route = fields(client.get("/rules?route=zhejiang%20customers").text, "route-form")
    assert post(client, "/rules/route", route, to="default").status == 303
    assert post(client, "/rules/plan", form, op="delete").status == 303
    assert service.config()["plans"] == []


# --- caps ----------------------------------------------------------------------------------


def test_saving_a_lines_caps(box) -> None:
    client, service = box
    before = service.config()
    form = fields(client.get("/rules").text, "caps-gsm0")
    assert form["limits[0].max"] == "3000" and form["notify_extra"] == "+8613912345678"
    added = post(client, "/rules/caps", form, op="add")
    assert added.status == 200 and service.config() == before
    form = fields(added.text, "caps-gsm0")
    assert form["limits[2].counter"] == "inbound_minutes"  # the counter not limited yet
    form.update({"limits[0].max": "500", "limits[1].action": "reject",
                 "limits[2].max": "2000", "limits[2].action": "no_mobiles",
                 "notify": ["zhang", "david"], "notify_extra": "021 6123 4567"})
    reply = post(client, "/rules/caps", form)
    assert reply.status == 303 and reply.location.endswith("/rules#caps-gsm0")
    assert service.config()["caps"] == [{
        "line": "gsm0", "notify": ["zhang", "david", "+862161234567"],
        "limits": [{"counter": "inbound_calls", "max": 500, "action": "reject"},
                   {"counter": "outbound_minutes", "max": 1000, "action": "reject"},
                   {"counter": "inbound_minutes", "max": 2000, "action": "no_mobiles"}]}]
    full = fields(client.get("/rules").text, "caps-gsm0")
    assert full["notify"] == ["zhang", "david"]
    assert 'value="add"' not in client.get("/rules").text.split('id="caps-gsm0"')[1]
    assert post(client, "/rules/caps", full, op="add").status == 422  # one limit a counter


def test_a_caps_voicemail_box_is_chosen_kept_and_refused_when_unknown(box) -> None:
    """The action "to voicemail" leaves the message in the box the form names (empty:
    the inbound ring group's); a saved box stays when the form is saved again; a box
    that is neither an extension nor a ring group is refused at its field."""
    client, service = box
    form = fields(client.get("/rules").text, "caps-gsm0")
    assert form["voicemail"] == ""
    group = service.config()["ring_groups"][0]["name"]
    form.update({"limits[0].action": "voicemail", "voicemail": group})
    assert post(client, "/rules/caps", form).status == 303
    [caps] = service.config()["caps"]
    assert caps["voicemail"] == group and caps["limits"][0]["action"] == "voicemail"
    again = fields(client.get("/rules").text, "caps-gsm0")
    assert again["voicemail"] == group
    assert post(client, "/rules/caps", again).status == 303
    assert service.config()["caps"][0]["voicemail"] == group
    again["voicemail"] = "nobody"
    refused = post(client, "/rules/caps", again)
    assert refused.status == 422 and "nobody" in refused.text
    assert service.config()["caps"][0]["voicemail"] == group
    again["voicemail"] = ""
    assert post(client, "/rules/caps", again).status == 303
    assert "voicemail" not in service.config()["caps"][0]


def test_a_line_with_no_limits_left_has_no_cap(box) -> None:
    client, service = box
    form = fields(client.get("/rules").text, "caps-gsm0")
    form = fields(post(client, "/rules/caps", form, op="remove:0").text, "caps-gsm0")
    assert form["limits[0].counter"] == "outbound_minutes" and "limits[1].max" not in form
    form = fields(post(client, "/rules/caps", form, op="remove:0").text, "caps-gsm0")
    assert post(client, "/rules/caps", form).status == 303
    assert service.config()["caps"] == []
    page = client.get("/rules").text
    assert "没有限额" in page and 'name="limits[0].max"' not in page
    form = fields(post(client, "/rules/caps", form, op="add").text, "caps-gsm0")
    form["limits[0].max"] = "10"
    assert post(client, "/rules/caps", form).status == 303
    assert service.config()["caps"][0]["limits"] == [
        {"counter": "inbound_calls", "max": 10, "action": "reject"}]


@pytest.mark.parametrize(("change", "field", "typed"), [
    ({"limits[0].max": "lots"}, "limits[0].max", "lots"),
    ({"limits[0].max": "0"}, "limits[0].max", 'value="0"'),
    ({"limits[1].counter": "inbound_calls"}, "limits[1]", "1000"),
    ({"limits[0].action": "shout"}, "limits[0].action", "3000"),
    ({"notify_extra": "12, not a number"}, "notify[1]", "not a number"),
])
def test_a_refused_cap_names_the_field_and_keeps_the_input(box, change, field, typed) -> None:
    client, service = box
    before = service.config()
    form = fields(client.get("/rules").text, "caps-gsm0")
    form.update(change)
    reply = post(client, "/rules/caps", form)
    assert reply.status == 422
    assert f'data-field="{field}' in reply.text
    assert typed in reply.text.split('id="caps-gsm0"')[1]
    assert service.config() == before


def test_caps_of_a_line_the_box_does_not_have_are_refused(box) -> None:
    client, service = box
    before = service.config()
    client.get("/rules")
    reply = client.post("/rules/caps", {"line": "gsm7", "limits[0].counter": "inbound_calls",
                                        "limits[0].max": "5", "limits[0].action": "reject"})
    assert reply.status == 422 and 'data-field="line"' in reply.text
    assert service.config() == before


def test_each_limit_shows_this_months_counter(box) -> None:
    client, service = box
    config = copy.deepcopy(EXAMPLE)
    config["caps"][0]["limits"][0]["max"] = 2
    service.replace_config(config)
    with CdrStore(records_path(service.data_dir), preload_regions=False) as store:
        for i in range(2):
            at = NOW - timedelta(days=i + 1)
            call = store.begin_call(start("13588888888", at, line="gsm0", call_id=f"c{i}"))
            store.end_call(call, end(at + timedelta(seconds=90), "answered", talk_s=60))
    form = client.get("/rules").text.split('id="caps-gsm0"')[1].split("</form>")[0]
    first, second = form.split('name="limits[1].counter"')
    assert "<b>2 / 2</b>" in first and "已达到" in first
    assert "<b>0 / 1000</b>" in second and "已达到" not in second
    assert 'class="limit reached' in first


# --- the guard, and both languages ----------------------------------------------------------


def test_the_editors_need_the_csrf_token(box) -> None:
    client, service = box
    before = service.config()
    page = client.get("/rules?plan=zhejiang").text
    for path, form_id in (("/rules/route", "route-form"), ("/rules/plan", "plan-form"),
                          ("/rules/caps", "caps-gsm0")):
        form = fields(page, form_id)
        form.pop("csrf")
        form["name"] = "x"
        assert post(client, path, form).status == 403
        assert post(client, path, {**form, "csrf": "forged"}).status == 403
    assert service.config() == before


def test_the_editors_in_english_and_chinese(box) -> None:
    client, _ = box
    zh = client.get("/rules?plan=zhejiang").text
    for words in ("新建呼入路由", "呼叫方案", "编辑呼叫方案：zhejiang", "占线时", "无人接听时",
                  "无人可呼叫时", "月度上限", "线路 gsm0", "振铃组 sales", "转接链", "值班人员",
                  "营业时间（每周时间表与节假日安排）", "使用它的呼入路由：zhejiang customers"):
        assert words in zh, words
    client.get("/lang/en?back=/rules")
    en = client.get("/rules?route=zhejiang%20customers").text
    for words in ("Edit route: zhejiang customers", "Plans", "If busy", "Monthly caps",
                  "ring group sales", "plan zhejiang", "the forward chain",
                  "office hours (the weekly schedule and the holiday calendar)",
                  "Withheld numbers"):
        assert words in en, words
    assert "呼入路由" not in en
    refused = post(client, "/rules/plan", fields(client.get("/rules?plan=zhejiang").text,
                                                  "plan-form"), op="delete")
    assert "give them another destination first" in refused.text


def test_names_from_the_config_are_escaped_in_the_editors(box) -> None:
    client, service = box
    config = copy.deepcopy(EXAMPLE)
    config["routes"][1]["name"] = '<b onclick="x">night</b>'
    service.replace_config(config)
    page = client.get("/rules?route=%3Cb%20onclick%3D%22x%22%3Enight%3C%2Fb%3E").text
    assert '<b onclick' not in page
    assert fields(page, "route-form")["name"] == '<b onclick="x">night</b>'


@pytest.mark.parametrize(("path", "junk"), [
    ("/rules/route", {"original": "zhejiang customers", "op": "remove:²"}),
    ("/rules/route", {"name": "x", "lines": "gsm0", "to": "plan:", "when": "²"}),
    ("/rules/plan", {"name": "p", "steps[0].id": "a", "steps[0].on.busy": "²"}),
    ("/rules/plan", {"name": "p", "steps[0].id": "a", "op": "down:²"}),
    ("/rules/plan", {"name": "p", **{f"steps[{i}].id": f"s{i}" for i in range(41)}}),
    ("/rules/plan", {"original": "gone", "name": "p", "steps[0].id": "a", "op": "add"}),
    ("/rules/caps", {"line": "gsm0", "limits[0].counter": "inbound_calls",
                     "limits[0].max": "²", "limits[0].action": "reject"}),
    ("/rules/caps", {"line": "gsm0", "limits[0].counter": "inbound_calls",
                     "limits[0].max": "99999999999999999999", "limits[0].action": "reject"}),
    ("/rules/caps", {"line": "", "op": "add"}),
])
def test_junk_gets_a_field_named_refusal_never_a_500(box, path, junk) -> None:
    client, service = box
    before = service.config()
    client.get("/rules")
    reply = client.post(path, junk)
    assert reply.status == 422, reply.text
    assert re.search(r'<li><b data-field="[^"]+">[^<]+</b>: ', reply.text)
    assert service.config() == before
