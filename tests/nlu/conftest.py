import pytest

from nlu import load_parser

CONFIG = {"backend": "embedded", "min_confidence": 0.45, "ambiguity_margin": 0.12,
          "rasa": {"url": "http://127.0.0.1:9", "token": "", "timeout_seconds": 0.5}}


@pytest.fixture(scope="session")
def model_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("nlu-models")


@pytest.fixture(scope="session")
def parser(model_dir):
    return load_parser(CONFIG, model_dir)
