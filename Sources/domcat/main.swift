print("domcat")
