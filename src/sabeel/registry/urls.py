app_name = "registry"
urlpatterns: list = []  # the registry pages are added here
