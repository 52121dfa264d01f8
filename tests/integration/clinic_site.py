"""The small clinic website the crawl tests serve: pages reachable only by links, pages only in the sitemap, a
folder robots.txt disallows, a sitemap index (XML, gzip, plain text), redirects, a 404, ETags."""

from __future__ import annotations

import gzip

from crawl_server import Route, Site, page, redirect

PHONE = "(604) 555-0142"
NAV = ("/", "/services/massage/", "/about/", "/contact/", "/private/notes/", "/old-massage/", "/missing/",
       "/brochure.pdf", "/services/massage/?utm_source=newsletter#prices", "http://localhost:{port}/elsewhere/",
       "https://www.example.com/", "mailto:desk@harbourlight.test", "/massage-copy/")
FOOTER = ('<p>Harbourlight Massage &amp; Wellness</p><p>12 Pier Road, Vancouver</p>'
          f'<p><a href="tel:+16045550142">{PHONE}</a></p>')

HOME = ("Harbourlight Massage and Wellness is a small registered massage therapy clinic by the harbour. Our "
        "therapists treat back pain, neck pain, tension headaches and sciatica with deep tissue massage, Swedish "
        "massage and therapeutic exercise, and they explain every step of the plan they make with you.",
        "New patients start with a full assessment: we ask about your history, watch how you move and agree on "
        "goals before the first treatment. Most people feel less pain and sleep better within a few visits.")
MASSAGE = ("Deep tissue massage works on the deeper layers of muscle and fascia. It helps chronic low back pain, "
           "stiff shoulders and the tight hamstrings that often come with sciatica, and it improves blood "
           "circulation and range of motion.",
           "Swedish massage uses long, gentle strokes. It is the choice for stress reduction, better sleep and "
           "relaxation, and for anyone new to massage therapy who wants a softer first session.")
SCIATICA = ("Sciatica is pain that runs from the lower back through the buttock and down the leg along the "
            "sciatic nerve. A herniated disc or a tight piriformis muscle pressing on the nerve is the usual cause.",
            "Massage therapy eases the muscle tension around the nerve, and gentle stretching and therapeutic "
            "exercise keep the relief going between visits. Most patients with sciatica need four to six sessions.")
ABOUT = ("Our registered massage therapists have treated the harbour neighbourhood for fifteen years. Each of "
         "them trained for three years and keeps learning: prenatal massage, sports massage and myofascial "
         "release are among the courses the team took this year.",
         "We believe in clear explanations, honest advice about how many sessions you need and exercises you can "
         "do at home, so that the relief of a treatment lasts.")
CONTACT = (f"Call the front desk at {PHONE} to book a massage or ask a question. We answer the phone from eight in "
           "the morning until seven in the evening on weekdays, and until three on Saturdays.",
           "You find us at 12 Pier Road in Vancouver, across from the ferry terminal. Street parking is free after "
           "six, and the clinic is on the ground floor with a step-free entrance for wheelchairs and strollers.")
HEADACHES = ("Tension headaches often start in tight neck and shoulder muscles. Massage therapy of the neck, "
             "shoulders and upper back relieves the tension and can make headaches less frequent.",
             "We also show you posture changes and stretches for the desk, since long hours at a screen are the most "
             "common trigger of tension headaches among our patients.")


def clinic_site() -> Site:
    """The site, with its routes filled in once its port is known (a link to another host needs it)."""
    site = Site()
    links = tuple(link.format(port=site.port) for link in NAV)

    def html(title: str, paragraphs: tuple[str, ...], etag: str, head: str = "") -> Route:
        return Route(page(title, *paragraphs, links=links, head=head, footer=FOOTER), etag=etag)

    base = site.url
    pages_xml = ('<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                 f"<url><loc>{base}/conditions/sciatica/</loc><lastmod>2026-01-05</lastmod></url>"
                 f"<url><loc>{base}/private/hidden/</loc></url>"
                 f"<url><loc>http://localhost:{site.port}/offsite-in-sitemap/</loc></url></urlset>")
    index_xml = ('<?xml version="1.0" encoding="UTF-8"?>'
                 '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                 f"<sitemap><loc>{base}/sitemaps/pages.xml</loc></sitemap>"
                 f"<sitemap><loc>{base}/sitemaps/extra.xml.gz</loc></sitemap>"
                 f"<sitemap><loc>{base}/sitemaps/more.txt</loc></sitemap></sitemapindex>")
    extra_xml = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                 f"<url><loc>{base}/services/massage/</loc></url></urlset>")
    site.routes.update({
        "/robots.txt": Route("User-agent: *\nDisallow: /private/\nCrawl-delay: 0.6\n"
                             f"Sitemap: {base}/sitemap_index.xml\n", content_type="text/plain"),
        "/sitemap_index.xml": Route(index_xml, content_type="application/xml"),
        "/sitemaps/pages.xml": Route(pages_xml, content_type="application/xml"),
        "/sitemaps/extra.xml.gz": Route(gzip.compress(extra_xml.encode()), content_type="application/x-gzip"),
        "/sitemaps/more.txt": Route(f"{base}/conditions/headaches/\n", content_type="text/plain"),
        "/": html("Harbourlight Massage & Wellness", HOME, '"home-1"'),
        "/services/massage/": html("Deep tissue and Swedish massage", MASSAGE, '"massage-1"'),
        "/conditions/sciatica/": html("Sciatica: massage for nerve pain", SCIATICA, '"sciatica-1"'),
        "/conditions/headaches/": html("Tension headaches", HEADACHES, '"headaches-1"'),
        "/about/": html("About our therapists", ABOUT, '"about-1"'),
        "/contact/": html("Contact Harbourlight Massage & Wellness", CONTACT, '"contact-1"'),
        "/massage-copy/": html("Deep tissue and Swedish massage (print view)", MASSAGE, '"copy-1"',
                               head=f'<link rel="canonical" href="{base}/services/massage/">'),
        "/old-massage/": redirect("/services/massage/"),
        "/private/notes/": html("Staff notes", ABOUT, '"private-1"'),
        "/brochure.pdf": Route(b"%PDF-1.4", content_type="application/pdf"),
    })
    return site


ARTICLES = ["/", "/about/", "/conditions/headaches/", "/conditions/sciatica/", "/contact/", "/services/massage/"]
