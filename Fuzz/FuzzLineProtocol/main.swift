import FuzzSupport

FuzzMain.run("FuzzLineProtocol", FuzzLineProtocol.testOneInput)
