import gc
import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sabeel.config.settings.demo")
application = get_wsgi_application()

# Garbage collection in a long-running web worker. The name model's caches (engines.text and
# registry.search, filled as people are searched) hold some hundreds of thousands of small
# long-lived objects, and each full collection walks all of them: 0.3 to 0.6 s, a dozen times in
# 400 searches at a million people (measured), which was most of the slowest searches' time. The
# objects of start-up are frozen out of the collector, and full collections made ten times rarer;
# young objects are collected as before.
gc.freeze()
gc.set_threshold(700, 10, 100)
