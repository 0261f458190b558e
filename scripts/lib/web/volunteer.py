"""The volunteer's phone, played by 孙秀珍 (seeded in web-test.sh):

  - her page opens with 出示付款码 as the first big button, then her balance, then big entries;
  - she shows her pay code in 1 tap; a barber redeems it with the CLI; her page says
    "已兑换：理发一次 −30 分，余额 70" within 2 s without a reload; reloading the code page gives HTML 200;
  - she checks in with the poster's link, and checks out from the top of her page (a span of minutes
    is short, so a second page asks first, and nothing is recorded before she answers);
  - she signs up for an activity and stays at it, the message naming it;
  - 退出 is at the bottom behind a question; after it, her organizer's screen shows a QR that opens
    sign-in with a new code filled in (from the link's fragment), and one tap brings her back.
Taps and typed characters per task go to journeys.tsv.
"""
import json
import re
import time

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait


def _id(t, what, name, key="name"):
    return [x["id"] for x in t.cli(what, "list") if x[key] == name][0]


def run(t):
    me = _id(t, "volunteer", "孙秀珍")
    barber = _id(t, "merchant", "街口理发室")
    offer = [o["id"] for o in t.cli("offer", "list") if o["merchant"] == barber][0]
    walk = _id(t, "activity", "陪老人散步", key="title")
    clinic = _id(t, "activity", "社区义诊", key="title")
    meal = _id(t, "activity", "助餐送饭", key="title")
    code = t.cli("activity", "show", walk)["activity"]["checkin_code"]
    phone, desk = t.browser(), t.browser()
    try:
        phone.get(t.BASE + "/web")
        phone.find_element(By.ID, "f-code").send_keys(t.enrolment_code(me))
        t.submit(phone, phone.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        t.check(phone.current_url.endswith("/web/me"), "volunteer: 孙秀珍 signs in to her page")

        # Her first screen: the pay code first, then the balance, then the entries.
        first = phone.find_element(By.CSS_SELECTOR, "main > form, main > section, main > div, main > nav")
        t.check(first.get_attribute("id") == "show-code", f"volunteer: 出示付款码 is the first thing on her page ({first.get_attribute('id')})")
        y = lambda css: phone.find_element(By.CSS_SELECTOR, css).rect["y"]
        t.check(y("#show-code") < y("#balance") < y("nav.entries") < 844, "volunteer: pay code, then balance, then the entries, all on the first screen")
        t.visit(phone, "volunteer-home")

        print("  the pay code reacts", flush=True)
        with t.journey("volunteer: show the pay code"):
            t.tap(phone, phone.find_element(By.CSS_SELECTOR, "#show-code button"))
        digits = re.sub(r"\D", "", t.text(phone, "#pay-code"))
        t.check(re.fullmatch(r"\d{6}", digits) is not None and phone.current_url.endswith("/web/me/code"),
                f"volunteer: one tap shows the pay code ({digits}) at /web/me/code")
        label = phone.find_element(By.CSS_SELECTOR, "svg.qr").get_attribute("aria-label")
        t.check(digits[:3] in label and digits[3:] in label, f"volunteer: the QR's accessible name says the digits ({label})")
        t.visit(phone, "volunteer-paycode")   # reopening /web/me/code: HTML 200, the same live code
        t.check(re.sub(r"\D", "", t.text(phone, "#pay-code")) == digits, "volunteer: the code page keeps its code across a reload")
        start = time.time()   # from the moment the barber starts the redemption
        t.cli("--as", barber, "redeem", barber, "--code", digits, "--offer", offer)
        WebDriverWait(phone, 5, poll_frequency=0.1).until(lambda d: "已兑换" in t.text(d, "#code-status"))
        took = time.time() - start
        said = t.text(phone, "#code-status")
        t.check(took <= 2.0 and "已兑换：理发一次 −30 分，余额 70" in said,
                f"volunteer: without a reload her phone says the redemption within 2 s ({took:.1f} s: {said})")
        t.check(phone.find_element(By.ID, "code-status").get_attribute("aria-live") == "assertive", "volunteer: announced with aria-live")
        t.check(not phone.find_element(By.CSS_SELECTOR, "[data-poll]").is_displayed(), "volunteer: the used code is no longer shown")
        phone.refresh()
        t.check("已兑换：理发一次 −30 分，余额 70" in t.text(phone, "#code-status"), "volunteer: a reload still says what became of the code")
        t.visit(phone, "volunteer-paycode-redeemed")

        print("  check-in, then check-out from the top", flush=True)
        # The server's clock stands still (JIFEN_NOW), so a span she starts now cannot end: her organizer
        # checked her in to 助餐送饭 at 09:40 (a correction), and she checks in to 陪老人散步 herself.
        t.cli("--as", "王德顺", "checkin", meal, me, "--at", "2026-12-01 09:40")
        with t.journey("volunteer: check in (poster link)"):
            phone.get(f"{t.BASE}/web/checkin?activity={walk}&code={code}")
            t.tap(phone, phone.find_element(By.CSS_SELECTOR, "form[action='/web/checkin'] button"))
        t.check(phone.current_url.endswith("/web/me") and "签到成功：陪老人散步" in t.notice(phone),
                f"volunteer: checked in, she is on her page ({t.notice(phone)[:40]})")
        duty = t.text(phone, "#duty")
        t.check("正在服务：陪老人散步 10:00 签到" in duty and "正在服务：助餐送饭 09:40 签到" in duty,
                f"volunteer: the top of her page says where she serves ({duty[:60]})")
        t.check(y(f"#checkout-{walk}") < y("#show-code"), "volunteer: 签退 is above the pay code while she is checked in")
        t.visit(phone, "volunteer-on-duty")
        with t.journey("volunteer: check out from the top (short span)"):
            t.tap(phone, phone.find_element(By.CSS_SELECTOR, f"#checkout-{meal} button"))
            t.check("/web/checkout" in phone.current_url and "只服务了 20 分钟" in t.notice(phone),
                    f"volunteer: a short span asks on a page of its own ({t.notice(phone)[:50]})")
            t.check(meal not in json.dumps(t.cli("hours", "list", "--volunteer", me)), "volunteer: nothing is recorded before she answers")
            t.visit(phone, "volunteer-checkout-question")
            t.tap(phone, phone.find_element(By.CSS_SELECTOR, "#checkout-confirm button"))
        t.check("签退成功：助餐送饭" in t.notice(phone) and "助餐送饭" not in t.text(phone, "#duty"),
                f"volunteer: checked out ({t.notice(phone)[:40]})")
        t.check(meal in json.dumps(t.cli("hours", "list", "--volunteer", me)), "volunteer: the CLI sees the record")

        print("  signing up stays at the activity", flush=True)
        phone.get(t.BASE + "/web/me")
        with t.journey("volunteer: sign up for an activity"):
            t.tap(phone, phone.find_element(By.CSS_SELECTOR, f"#act-{clinic} form button"))
        t.check(phone.current_url.endswith(f"/web/me#act-{clinic}") and "报名成功：社区义诊" in t.text(phone, f"#act-{clinic}"),
                f"volunteer: after 报名 she is at that activity and the message names it ({phone.current_url})")

        print("  signing out asks first; the organizer's screen brings her back", flush=True)
        phone.get(t.BASE + "/web/me")
        t.check(not phone.find_elements(By.CSS_SELECTOR, "header form[action='/web/signout']"), "volunteer: no sign-out button beside the language switch")
        with t.journey("volunteer: sign out"):
            t.tap(phone, phone.find_element(By.ID, "signout"))
            t.check("不能再用来登录" in t.text(phone, "main") and "组织者" in t.text(phone, "main"),
                    "volunteer: the second step says her paper code will not work again and how to get back")
            t.visit(phone, "volunteer-signout-question")
            t.tap(phone, phone.find_element(By.CSS_SELECTOR, "#signout-confirm button"))
        t.check(phone.current_url.endswith("/web/signin"), "volunteer: signed out")

        desk.get(t.BASE + "/web")
        desk.find_element(By.ID, "f-code").send_keys(t.enrolment_code("王德顺"))
        t.submit(desk, desk.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        desk.get(t.BASE + "/web/team")
        with t.journey("organizer: a new sign-in QR for her"):
            select = desk.find_element(By.ID, "f-enrol-who")
            select.find_element(By.CSS_SELECTOR, f"option[value='{me}']").click()
            t.tap(desk, desk.find_element(By.CSS_SELECTOR, "#reenrol button"))
        png = t.visit(desk, "organizer-slip")
        link = t.decode_qr(png)
        slip = t.text(desk, "#slip-code")
        t.check(link == f"{t.BASE}/web/signin#code={slip}" or link.endswith(f"/web/signin#code={slip}"),
                f"volunteer: the slip's QR opens sign-in with the code in the fragment ({link})")
        with t.journey("volunteer: back in with the organizer's QR"):
            phone.get("about:blank")
            phone.get(t.BASE + "/web/signin#code=" + slip)   # what her camera opens (the public URL's path on this server)
            field = phone.find_element(By.ID, "f-code")
            t.check(field.get_attribute("value") == slip and "#" not in phone.current_url,
                    "volunteer: the script fills the code in and drops it from the address")
            t.tap(phone, phone.find_element(By.CSS_SELECTOR, "main form button[type=submit]"))
        t.check(phone.current_url.endswith("/web/me"), "volunteer: one tap and she is back, with no new paper")
    finally:
        phone.quit()
        desk.quit()
