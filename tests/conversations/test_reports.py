from __future__ import annotations

from apps.conversations.reports import quality_view


def test_no_report_means_no_view():
    assert quality_view({}) is None
    assert quality_view(None) is None


def test_the_view_reads_length_removals_and_support_from_the_report():
    view = quality_view(
        {
            "word_count": 818,
            "target_word_count": 6000,
            "deviation": -0.8637,
            "word_count_ok": False,
            "citations_removed": [
                {"kind": "invented_numeric", "text": "[12]", "section": "Intro"},
                {"kind": "invented_numeric", "text": "[3]", "section": "Body"},
                {"kind": "unknown_handle", "text": "[S99]", "section": "Body"},
            ],
            "removal_labels": {
                "invented_numeric": "a numbered citation typed by the model",
                "unknown_handle": "a handle or key that names no retrieved source",
            },
            "support": {
                "checked": 4,
                "supported": 3,
                "share": 0.75,
                "sentences": [
                    {
                        "sentence": "Heat rose.",
                        "handles": ["S1"],
                        "supported": False,
                        "missing": ["9"],
                    },
                ],
            },
            "sources": [{"handle": "S1", "cited": True}, {"handle": "S2", "cited": False}],
        }
    )
    assert view is not None
    assert (view.on_target, view.short, view.off_by_percent) == (False, True, 86)
    assert view.removed_by_label == [
        ("a numbered citation typed by the model", 2),
        ("a handle or key that names no retrieved source", 1),
    ]
    assert view.removed[0].section == "Intro"
    assert view.support_percent == 75
    assert [s["sentence"] for s in view.unsupported] == ["Heat rose."]
    assert view.sources_cited == 1
