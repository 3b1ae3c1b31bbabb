"""The word-cloud helper: tokens in any script, case folding, stop words and the caps that bound the work."""

from __future__ import annotations

from tests.naughty import BLNS
from workshop.words import MAX_TOP, MAX_WORD_LENGTH, MAX_WORDS_PER_TEXT, WordCount, tokens, word_frequencies


def test_tokens_keep_inner_apostrophes_and_hyphens() -> None:
    assert tokens("Joined-up help, don’t make families repeat their story!") == [
        "Joined-up",
        "help",
        "don't",
        "make",
        "families",
        "repeat",
        "their",
        "story",
    ]
    assert tokens("'quoted' -dash- under_score") == ["quoted", "dash", "under", "score"]


def test_tokens_in_other_scripts() -> None:
    assert tokens("Café crème, straße") == ["Café", "crème", "straße"]
    assert tokens("مرحبا بالعالم") == ["مرحبا", "بالعالم"]
    assert tokens("שלום עולם") == ["שלום", "עולם"]
    # No dictionary: a run of Chinese characters is one token.
    assert tokens("家庭 支持") == ["家庭", "支持"]
    # Full-width letters and a decomposed accent meet their plain forms.
    assert tokens("ｔｒｕｓｔ cafe\u0301") == ["trust", "café"]
    # Invisible characters do not split or join words.
    assert tokens("soft\u00adhyphen zero\u200bwidth") == ["softhyphen", "zero", "width"]


def test_emoji_and_symbols_are_not_words() -> None:
    assert tokens("👍🏽 🇬🇧 ❤️ 100% <script>") == ["100", "script"]
    assert tokens("👨‍👩‍👧‍👦 families") == ["families"]


def test_frequencies_fold_case_and_count_each_answer_once() -> None:
    result = word_frequencies(["NHS nhs Nhs trust", "Trust the NHS", "trust trust trust", "Straße STRASSE"])
    assert result[:2] == [WordCount("trust", 3), WordCount("NHS", 2)]
    # "ß" folds to "ss": one word, shown as first written.
    assert WordCount("Straße", 1) in result


def test_stop_words_and_noise_are_left_out() -> None:
    result = word_frequencies(["We need to be able to do this and that, it's a lot", "x 7 y", "I can't"])
    assert [w.word for w in result] == ["able"]
    assert word_frequencies(["a 家"]) == [WordCount("家", 1)]


def test_ties_are_alphabetical_and_limit_is_capped() -> None:
    assert [w.word for w in word_frequencies(["pear apple", "apple zebra mango"])] == [
        "apple",
        "mango",
        "pear",
        "zebra",
    ]
    many = [" ".join(f"word{i}x{j}" for j in range(50)) for i in range(10)]
    assert len(word_frequencies(many, limit=30)) == 30
    assert len(word_frequencies(many, limit=10_000)) == MAX_TOP
    assert word_frequencies(many, limit=-5) == []
    assert word_frequencies([]) == []


def test_caps_on_long_words_and_long_texts() -> None:
    assert word_frequencies(["a" * (MAX_WORD_LENGTH + 1) + " short"]) == [WordCount("short", 1)]
    assert word_frequencies(["b" * MAX_WORD_LENGTH]) == [WordCount("b" * MAX_WORD_LENGTH, 1)]
    long_text = " ".join(f"w{i}" for i in range(MAX_WORDS_PER_TEXT * 3))
    assert len(tokens(long_text)) == MAX_WORDS_PER_TEXT
    assert {w.word for w in word_frequencies([long_text], limit=MAX_TOP)} <= {
        f"w{i}" for i in range(MAX_WORDS_PER_TEXT)
    }


def test_every_naughty_string_is_handled() -> None:
    corpus = BLNS
    for text in corpus:
        found = tokens(text)
        assert all(word and word == word.strip() for word in found), text
    result = word_frequencies(corpus, limit=30)
    assert 0 < len(result) <= 30
    assert all(w.count >= 1 and 0 < len(w.word) <= MAX_WORD_LENGTH for w in result)
    assert [w.count for w in result] == sorted((w.count for w in result), reverse=True)
