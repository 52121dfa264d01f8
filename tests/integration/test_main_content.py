"""Main-content rules of the HTML parser on small hand-written pages: what is kept, what is dropped, exactly."""

from __future__ import annotations

from ingest.html_article import parse_html

INTRO = "<p>Our clinic treats people of every age with hands-on care and simple home exercises.</p>"


def outline(markup: str) -> list[tuple[str, list[str]]]:
    """Each section's heading with its blocks' texts, in order."""
    article = parse_html(f"<html><body>{markup}</body></html>", "page.html")
    return [(s.heading, [b.text for b in s.blocks]) for s in article.sections]


def test_a_list_after_a_lead_in_is_kept_though_classed_as_a_sidebar() -> None:
    page = outline(
        "<main><h1>Remedial massage</h1>" + INTRO
        + "<p>Remedial massage can help with the following conditions:</p>"
        '<div class="sidebar-nav"><ul><li><a href="/s">Frozen shoulder</a></li>'
        '<li><a href="/s">Shin splints</a></li></ul></div></main>'
        '<div class="sidebar"><h3>Services</h3><ul><li><a href="/a">Hot stones</a></li>'
        '<li><a href="/b">Facials</a></li></ul></div>'
    )
    assert page == [("Remedial massage", [
        "Our clinic treats people of every age with hands-on care and simple home exercises.",
        "Remedial massage can help with the following conditions:", "Frozen shoulder", "Shin splints",
    ])]


def test_a_label_with_a_colon_does_not_make_a_sidebar_content() -> None:
    page = outline(
        "<main><h1>Remedial massage</h1>" + INTRO + "</main>"
        '<div class="sidebar"><p>Services:</p><ul><li><a href="/a">Hot stones</a></li>'
        '<li><a href="/b">Facials</a></li></ul></div>'
    )
    assert page == [("Remedial massage", [
        "Our clinic treats people of every age with hands-on care and simple home exercises.",
    ])]


def test_a_menu_classed_list_of_prices_is_kept() -> None:
    page = outline(
        "<main><h1>Sports massage</h1>" + INTRO
        + '<div class="ser-nav"><ul><li><a href="">60 mins - £48</a></li><li><a href="">30 mins - £30</a></li>'
        "</ul></div></main>"
    )
    assert page[0][1][1:] == ["60 mins - £48", "30 mins - £30"]


def test_sibling_service_links_and_cards_are_dropped() -> None:
    page = outline(
        "<main><h1>Knee pain</h1>" + INTRO
        + "<h2>Other conditions we treat</h2>"
        '<ul><li><a href="/hip">Hip pain</a></li><li><a href="/neck">Neck pain</a></li></ul>'
        "<h2>Related services</h2>"
        '<div class="grid"><a href="/swedish"><h3>Swedish</h3><p>Full body.</p></a>'
        '<a href="/hot-stone"><h3>Hot stone</h3><p>Warm stones.</p></a></div>'
        "<h2>Booking</h2><p>Call us to book a first visit.</p></main>"
    )
    assert page == [
        ("Knee pain", ["Our clinic treats people of every age with hands-on care and simple home exercises."]),
        ("Booking", ["Call us to book a first visit."]),
    ]


def test_a_link_list_marking_the_current_page_is_dropped() -> None:
    page = outline(
        "<main><h1>Knee pain</h1>" + INTRO
        + "<ul><li><span>Knee pain · you are here</span></li><li><a href='/hip'>Hip pain</a></li>"
        "<li><a href='/neck'>Neck pain</a></li></ul></main>"
    )
    assert page == [
        ("Knee pain", ["Our clinic treats people of every age with hands-on care and simple home exercises."]),
    ]


def test_a_list_of_links_under_a_content_heading_is_kept() -> None:
    page = outline(
        "<main><h1>Podiatry</h1>" + INTRO
        + "<h2>Conditions we treat</h2>"
        '<ul><li><a href="/heel">Heel pain</a></li><li><a href="/bunions">Bunions</a></li></ul></main>'
    )
    assert page[1] == ("Conditions we treat", ["Heel pain", "Bunions"])


def test_an_unclosed_h1_does_not_swallow_the_page() -> None:
    page = outline(
        "<main><h1>Shoulder care<div><p>We treat frozen shoulder with gentle mobilisation and exercise.</p>"
        "<h2>What to expect</h2><ul><li>An assessment</li><li>A home plan</li></ul></div></main>"
    )
    assert page == [
        ("Shoulder care", ["We treat frozen shoulder with gentle mobilisation and exercise."]),
        ("What to expect", ["An assessment", "A home plan"]),
    ]
    assert parse_html(f"<main><h1>Shoulder care<div>{INTRO}</div></main>", "p.html").title == "Shoulder care"


def test_list_items_inside_a_button_are_kept() -> None:
    page = outline(
        "<main><h1>Our services</h1>" + INTRO
        + '<ul><button class="toggle"><li>Dry needling</li><li>Cupping</li></button></ul></main>'
    )
    assert page[0][1][1:] == ["Dry needling", "Cupping"]


def test_accordion_questions_in_buttons_head_their_answers() -> None:
    page = outline(
        "<main><h1>FAQ</h1>" + INTRO
        + '<section><button class="accordion">Is cupping painful? +</button>'
        "<div><p>Most people feel a gentle pulling.</p></div></section></main>"
    )
    assert page[1] == ("Is cupping painful?", ["Most people feel a gentle pulling."])


def test_accordion_questions_in_a_header_are_kept_and_the_page_header_is_not() -> None:
    page = outline(
        '<header class="site-header"><a href="/">Home</a> <a href="/faq">FAQ</a></header>'
        "<main><h1>FAQ</h1>" + INTRO
        + '<section class="faq"><div class="item"><header class="faq-header"><h3>Is it safe?</h3></header>'
        "<div><p>Yes, for most people.</p></div></div>"
        '<div class="item"><header class="faq-header"><h3>How long is a visit?</h3></header>'
        "<div><p>About an hour.</p></div></div></section></main>"
    )
    assert page == [
        ("FAQ", ["Our clinic treats people of every age with hands-on care and simple home exercises."]),
        ("Is it safe?", ["Yes, for most people."]),
        ("How long is a visit?", ["About an hour."]),
    ]


def test_tab_panels_sharing_a_content_class_are_all_kept() -> None:
    panel = '<div class="tab"><label>{0}</label><div class="tab-content"><p>{1}</p></div></div>'
    page = outline(
        '<div class="wrap"><h1>Foot care</h1>'
        + panel.format("Chiropody", "We trim thickened nails and remove corns in a short visit.")
        + panel.format("Podiatry", "We assess your gait and fit insoles made for your feet and your shoes.")
        + '</div><div class="footer"><p>Copyright 2024</p></div>'
    )
    assert page == [("Foot care", [
        "Chiropody", "We trim thickened nails and remove corns in a short visit.",
        "Podiatry", "We assess your gait and fit insoles made for your feet and your shoes.",
    ])]


def test_a_page_header_before_main_holding_the_h1_and_intro_is_content() -> None:
    page = outline(
        '<header class="page-header container"><h1>Trigger point massage</h1>'
        "<p>Ease knots and muscle tension with focused pressure.</p></header>"
        '<main class="container"><section><h2>What it is</h2>'
        "<p>Firm, steady pressure on tight spots inside a muscle until they let go.</p></section></main>"
        '<footer class="site-footer"><p>Back to <a href="/">Home</a></p></footer>'
    )
    assert page == [
        ("Trigger point massage", ["Ease knots and muscle tension with focused pressure."]),
        ("What it is", ["Firm, steady pressure on tight spots inside a muscle until they let go."]),
    ]


def test_a_site_header_of_links_before_main_is_not_read() -> None:
    page = outline(
        '<div class="masthead"><h1><a href="/">Home</a></h1><a href="/a">About</a> <a href="/b">Services</a></div>'
        "<main><h2>Dry needling</h2>" + INTRO + "<p>A fine needle eases a tight band of muscle; most people feel a "
        "brief twitch and an ache that fades within a day or two.</p></main>"
    )
    assert [heading for heading, _ in page] == ["Dry needling"]


def test_a_banner_h1_naming_the_clinic_is_no_part_of_the_page() -> None:
    article = parse_html(
        "<html><head><title>Contact Us</title></head><body>"
        '<div class="banner"><h1>Kestrel Physiotherapy Clinic</h1>'
        "<h2>4 Mill Lane, Swindon SN1 2AB</h2><h2>Tel: 01632 960 018</h2></div>"
        "<h3>Contact us</h3><p>You can write to us or call us during opening hours.</p>"
        "</body></html>", "contact.html")
    assert article.title == "Contact Us"
    assert [(s.heading, [b.text for b in s.blocks]) for s in article.sections] == [
        ("Contact us", ["You can write to us or call us during opening hours."]),
    ]


def test_a_home_page_keeps_the_clinic_name_as_its_title() -> None:
    article = parse_html(
        "<html><head><title>Home | Kestrel Physiotherapy Clinic</title></head><body>"
        "<header><h1>Kestrel Physiotherapy Clinic</h1><p>4 Mill Lane, Swindon SN1 2AB</p></header>"
        "<main>" + INTRO + "</main></body></html>", "index.html")
    assert article.title == "Kestrel Physiotherapy Clinic"


def test_top_bar_breadcrumb_and_eyebrow_above_the_h1_are_dropped() -> None:
    page = outline(
        '<div class="bar">Leading physiotherapy care | Book your consultation today</div>'
        '<div class="trail"><a href="/">Home</a> / <a href="/s">Specialties</a> / <span>Cupping</span></div>'
        '<section><span class="tag">Modality</span><h1>Cupping</h1>' + INTRO + "</section>"
    )
    assert page == [("Cupping", [INTRO[3:-4]])]


def test_a_sentence_above_the_h1_is_kept() -> None:
    page = outline("<div><p>We are open on Saturdays from this week on.</p><h1>Cupping</h1>" + INTRO + "</div>")
    assert page[0][1] == ["We are open on Saturdays from this week on."]


def test_a_strip_of_professional_bodies_is_dropped_and_a_row_of_conditions_is_kept() -> None:
    tile = '<div class="tile"><img src="x.png" alt=""><span>{}</span></div>'
    bodies = ["Society of Sports Therapists", "Sports Massage Association", "Kinesio Taping Association",
              "Instrument Assisted Therapy"]
    conditions = ["Back pain", "Sports injuries", "Neck pain and headaches"]
    page = outline(
        "<main><h1>Back pain</h1>" + INTRO
        + "<h2>What we help with</h2><div class='tiles'>" + "".join(tile.format(c) for c in conditions) + "</div>"
        + "<h2>Held to recognised professional standards</h2>"
        + "<div class='logos'>" + "".join(tile.format(b) for b in bodies) + "</div></main>"
    )
    assert page == [
        ("Back pain", [INTRO[3:-4]]),
        ("What we help with", conditions),
    ]


def test_a_sentence_set_as_a_heading_is_a_paragraph() -> None:
    page = outline(
        "<main><h1>Deep tissue massage</h1><h3>Deep tissue massage eases tight shoulders and necks, and can also "
        "help relieve migraines.</h3><h3>How it works</h3><p>Slow strokes reach the deeper layers of muscle.</p>"
        "<h3>Is it painful?</h3><p>It can be uncomfortable for a moment.</p></main>"
    )
    assert page == [
        ("Deep tissue massage", ["Deep tissue massage eases tight shoulders and necks, and can also help relieve "
                                 "migraines."]),
        ("How it works", ["Slow strokes reach the deeper layers of muscle."]),
        ("Is it painful?", ["It can be uncomfortable for a moment."]),
    ]
