print("fdfa")
