"""Residents sign in, in the browser.

A resident (R001, 王秀英, seeded by web-test.sh) signs in with her paper code and asks for help in a
few taps (the taps are counted: at most 5 with the sign-in); the desk sends it to the team's pool
(the CLI, as the desk would); a volunteer (V0002, 赵淑芬) takes it from her page and stays at it,
starts and finishes it; the resident sees who is coming with a number to call, confirms and rates.
The CLI is the witness of the request's state at each step, never the page.
"""
from selenium.webdriver.common.by import By


def _choice(driver, name, value):
    """The label of a radio button (what a finger taps)."""
    field = driver.find_element(By.CSS_SELECTOR, f"input[name={name}][value='{value}']")
    return field.find_element(By.XPATH, "./ancestor::label")


def _state(t, request):
    return t.cli("request", "show", request)["state"]


def run(t):
    home = t.browser()   # the resident's phone
    phone = t.browser()  # the volunteer's
    try:
        code = t.enrolment_code("R001")
        before = {r["id"] for r in t.cli("request", "list")}
        with t.journey("resident posts a request (sign-in included)"):
            home.get(t.BASE + "/web")
            t.type(home.find_element(By.ID, "f-code"), code)
            t.tap(home, home.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
            t.check(home.current_url.endswith("/web/resident"), f"the resident's code signs her in to her page ({home.current_url})")
            t.check("玫瑰园小区3号楼2单元501" in t.text(home, "#where"), "where help comes is her registered address")
            t.tap(home, _choice(home, "category", "repair"))
            t.tap(home, _choice(home, "wanted", "2026-12-02 09:00"))
            t.tap(home, home.find_element(By.CSS_SELECTOR, "#ask button[type=submit]"))
        name, taps, typed = t.journeys[-1]
        t.check(taps <= 5, f"a resident posts a request in at most 5 taps ({taps} taps, {typed} characters typed: the code)")
        posted = [r for r in t.cli("request", "list") if r["id"] not in before]
        t.check(len(posted) == 1 and posted[0]["resident"] == "R001" and posted[0]["state"] == "submitted"
                and posted[0]["category"] == "repair", f"the CLI sees her request, submitted ({posted})")
        request = posted[0]["id"]
        t.check(home.current_url.endswith("/web/resident#req-" + request) and "已提交" in t.notice(home),
                f"she stays at her request and the page says it is sent: {t.notice(home)[:40]}")
        t.visit(home, "resident")

        # The desk sends it to the team's pool (as the desk does, with the CLI).
        t.cli("request", "accept", request)
        t.cli("request", "dispatch", request, "--team", "T01", "--pool")

        t.sign_in(phone, t.enrolment_code("V0002"))
        phone.get(t.BASE + "/web/me")
        take = phone.find_element(By.CSS_SELECTOR, f"#requests #req-{request} form[action='/web/me/claim'] button")
        t.tap(phone, take)
        t.check(phone.current_url.endswith("/web/me#req-" + request) and "接单成功" in t.notice(phone) and "王秀英" in t.notice(phone),
                f"after 接单 she stays at it and the message names it: {t.notice(phone)[:50]}")
        t.check(_state(t, request) == "claimed", "the CLI sees it claimed")
        taken = t.text(phone, f"#taken #req-{request}")
        t.check("玫瑰园小区3号楼2单元501" in taken and phone.find_elements(By.CSS_SELECTOR, f"#taken #req-{request} a[href='tel:13800007788']"),
                "what she took shows the address and the resident's phone to call")
        t.visit(phone, "volunteer-taken")

        home.get(t.BASE + "/web/resident")
        mine = t.text(home, f"#req-{request}")
        calls = home.find_elements(By.CSS_SELECTOR, f"#req-{request} a[href='tel:13800004321']")
        t.check("赵淑芬" in mine and calls, f"the resident sees who is coming, by name, with a tel: link ({mine[:60]})")
        t.visit(home, "resident-coming")

        t.tap(phone, phone.find_element(By.CSS_SELECTOR, f"#req-{request} form[action='/web/me/start'] button"))
        t.check(_state(t, request) == "in_service", "开始: the CLI sees it in service")
        t.tap(phone, phone.find_element(By.CSS_SELECTOR, f"#req-{request} button[name=minutes][value='60']"))
        shown = t.cli("request", "show", request)
        t.check(shown["state"] == "done" and shown["minutes"] == 60, f"完成 (1 hour): the CLI sees it done, 60 minutes ({shown['state']})")

        home.get(t.BASE + "/web/resident")
        with t.journey("resident confirms and rates"):
            t.tap(home, home.find_element(By.CSS_SELECTOR, f"#req-{request} form[action='/web/resident/confirm'] button"))
            t.check(_state(t, request) == "confirmed", "she confirms: the CLI sees it confirmed")
            t.tap(home, home.find_element(By.CSS_SELECTOR, f"#req-{request} button[name=stars][value='5']"))
        shown = t.cli("request", "show", request)
        t.check(shown["state"] == "rated" and shown.get("rating") == 5, f"she rates it 5 stars: the CLI sees it rated ({shown.get('rating')})")
        t.check("谢谢您的评价" in t.notice(home), "the page thanks her")
        t.visit(home, "resident-rated")
    finally:
        home.quit()
        phone.quit()
