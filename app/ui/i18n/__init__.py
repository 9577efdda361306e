"""The UI's text in other languages: gettext catalogs (``.po``) through Babel.

English lives in ``app/ui/catalog_en.py`` (keys and English text, what developers
edit). ``make catalogs`` extracts it with Babel (``[tool.babel]`` in
``pyproject.toml``, extractor :mod:`app.ui.i18n.extract`) into a template and
merges that into ``app/ui/locale/<code>/LC_MESSAGES/messages.po``, one file per
language, which translators edit with any PO editor. Each entry's ``msgctxt`` is
the key, its ``msgid`` the English text; a count's message has every plural form
its language needs (CLDR rules: Arabic six, French three).

At start the app reads the ``.po`` files (:mod:`app.ui.i18n.catalogs`). A fuzzy,
empty or out-of-date entry (its English changed since it was translated) counts as
untranslated: the English text is shown, and ``tests/ui/test_ui_catalogs.py``
fails naming the key.
"""
