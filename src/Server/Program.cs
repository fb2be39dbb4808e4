// The standalone host and command line are filled by the server issue; this entry point keeps the
// project building and says so instead of pretending to serve.
Console.Error.WriteLine("orchestration: the server and command line are not built yet.");
return 2;
