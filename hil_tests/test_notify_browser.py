"""Notifications in a real browser (Debian's Chromium, Playwright) against the running
box: the owner fills the notification settings in Chinese, sends a test e-mail from the
System page and reads that it went (a real SMTP server receives it); with a wrong
password the System page says why and keeps the message for "retry now"."""

from __future__ import annotations

import pytest

from hil_tests.calls_rig import box_with, office
from hil_tests.pstn.testing import wait_for
from hil_tests.test_web_browser import ARTIFACTS, PASSWORD, browser  # noqa: F401
from tests.notify.smtp import PASSWORD as SMTP_PASSWORD
from tests.notify.smtp import USER, SmtpServer

pytestmark = pytest.mark.hil


def test_the_owner_sets_up_email_and_sends_a_test(tmp_path, boxes, browser):  # noqa: F811
    smtp = SmtpServer(tmp_path).start()
    try:
        box = box_with(tmp_path, office())
        boxes.append(box)
        page = browser.new_context(locale="zh-CN", viewport={"width": 1100, "height": 900}
                                   ).new_page()
        page.set_default_timeout(15000)
        base = box.web_url
        page.goto(base + "/setup")
        page.fill("input[name=password]", PASSWORD)
        page.fill("input[name=again]", PASSWORD)
        page.click("main button")
        page.wait_for_load_state()

        page.goto(base + "/notifications")
        page.fill("input[name=smtp_host]", "127.0.0.1")
        page.select_option("select[name=smtp_security]", "starttls")
        page.fill("input[name=smtp_port]", str(smtp.port))
        page.fill("input[name=smtp_user]", USER)
        page.fill("input[name=smtp_password]", "wrong")
        page.fill("input[name=smtp_from]", "box@example.cn")
        page.uncheck("input[name=smtp_verify]")  # the test server's own certificate
        page.fill("textarea[name=emails]", "boss@example.cn")
        page.check("input[name=missed_calls_email]")
        page.click("#notification-settings button")
        page.wait_for_url(base + "/notifications")
        assert "已保存" in page.text_content("body") or page.locator(".flash.ok").count()

        page.goto(base + "/system")
        page.click("#notifications >> text=发送测试邮件")
        page.wait_for_selector("#ntf-notice")
        assert "邮件服务器拒绝了用户名或密码" in page.text_content("#ntf-notice")
        assert "535" in page.text_content("#ntf-pending")
        page.screenshot(path=str(ARTIFACTS / "notify-failed.png"), full_page=True)

        page.goto(base + "/notifications")
        page.fill("input[name=smtp_password]", SMTP_PASSWORD)
        page.click("#notification-settings button")
        page.wait_for_url(base + "/notifications")
        assert SMTP_PASSWORD not in page.content()
        page.goto(base + "/system")
        page.click("#ntf-pending >> text=立即重试")
        page.wait_for_selector("#ntf-notice")
        assert "1 条通知将立即重试" in page.text_content("#ntf-notice")
        wait_for(lambda: smtp.mailbox.messages, 20, what="the test e-mail, retried")
        page.click("#notifications >> text=发送测试邮件")
        page.wait_for_selector("#ntf-notice >> text=测试邮件已发出")
        page.screenshot(path=str(ARTIFACTS / "notify-sent.png"), full_page=True)
        assert len(smtp.mailbox.messages) == 2
        assert smtp.mailbox.messages[0]["Subject"] == "测试公司: 总机测试邮件"
        assert box.stop() == 0
    finally:
        smtp.stop()
