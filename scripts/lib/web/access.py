"""适老化: the 大字 switch (text at least 1.3 times, line spacing at least 1.3, remembered on the
device after a reload and a new visit), and with it still no horizontal scrolling at 200 % zoom on
a 360 px phone; a cue is never colour alone (every notice says 完成/没有办成 in words)."""
from selenium.webdriver.common.by import By


def sizes(driver):
    return driver.execute_script("""
        var b=getComputedStyle(document.body), h=getComputedStyle(document.documentElement);
        return [parseFloat(h.fontSize), parseFloat(b.fontSize), parseFloat(b.lineHeight) / parseFloat(b.fontSize)];""")


def run(t):
    driver = t.browser()
    try:
        t.sign_in(driver, t.enrolment_code("V0002"))
        driver.get(t.BASE + "/web/me")
        root, body, spacing = sizes(driver)
        with t.journey("volunteer turns on 大字"):
            t.tap(driver, driver.find_element(By.ID, "size-switch"))
        large_root, large_body, large_spacing = sizes(driver)
        t.check(large_body >= 1.3 * body and large_spacing >= 1.3,
                f"大字 makes the text {large_body / body:.2f} times larger (>= 1.3) with line spacing {large_spacing:.2f} (>= 1.3)")
        t.check(driver.current_url.endswith("/web/me"), "the switch comes back to the same page")
        driver.refresh()
        t.check(sizes(driver)[1] == large_body, "大字 stays after a reload")
        driver.get(t.BASE + "/web")
        t.check(sizes(driver)[1] == large_body, "and on the next visit (remembered on this device)")
        t.visit(driver, "volunteer-large")
        driver.get(t.BASE + "/web/checkin")
        t.visit(driver, "checkin-large")
        t.tap(driver, driver.find_element(By.ID, "size-switch"))
        t.check(abs(sizes(driver)[1] - body) < 0.5, "标准字 switches back")
        # Colour is never the only cue: every notice names its kind in words.
        driver.get(t.BASE + "/web/checkin?activity=A0002&code=000000")
        t.tap(driver, driver.find_element(By.CSS_SELECTOR, "form[action='/web/checkin'] button[type=submit]"))
        kinds = driver.execute_script("""
            return Array.from(document.querySelectorAll('.notice')).map(function(n){var s=n.querySelector('strong');return s?s.textContent:'';});""")
        t.check(kinds and all(k.strip() for k in kinds), f"a refusal says its kind in words, not by colour alone ({kinds})")
    finally:
        driver.quit()
